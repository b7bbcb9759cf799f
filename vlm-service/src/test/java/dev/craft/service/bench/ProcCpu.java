package dev.craft.service.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time as Linux's /proc counts it: of a process, of its threads, of a process with its children, and of the
 * whole machine. Times are in clock ticks of 1/100 s (USER_HZ), turned into milliseconds.
 */
final class ProcCpu {

    private static final double MS_PER_TICK = 10.0;

    private ProcCpu() {
    }

    /** CPU time the process has used so far (all its threads, user + system), in milliseconds. */
    static double processMs(long pid) throws IOException {
        return ticksMs(fields(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
    }

    /** CPU milliseconds used so far by the process's live threads, summed by thread name without its digits. */
    static Map<String, Double> threadMsByName(long pid) throws IOException {
        Map<String, Double> groups = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "#");
                    groups.merge(name, ticksMs(fields(stat)), Double::sum);
                } catch (IOException | StringIndexOutOfBoundsException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return groups;
    }

    /**
     * CPU milliseconds of a process and its live children (a PostgreSQL postmaster and its backends). A child that
     * exited took its time with it, so windows should be measured while the children are long-lived.
     */
    static double treeMs(long parentPid) throws IOException {
        double ms = processMs(parentPid);
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.toList()) {
                if (!process.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String[] fields = fields(Files.readString(process.resolve("stat")));
                    if (Long.parseLong(fields[1]) == parentPid) {
                        ms += ticksMs(fields);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return ms;
    }

    /** The parent process id of a process. */
    static long parentPid(long pid) throws IOException {
        return Long.parseLong(fields(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))[1]);
    }

    /** Busy and total CPU milliseconds of the whole machine since boot, over all its CPUs (first line of /proc/stat). */
    static Machine machine() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        // user nice system idle iowait irq softirq steal (guest time is already inside user)
        long busy = 0;
        long total = 0;
        for (int i = 1; i <= Math.min(8, cpu.length - 1); i++) {
            long ticks = Long.parseLong(cpu[i]);
            total += ticks;
            if (i != 4 && i != 5) {
                busy += ticks;
            }
        }
        return new Machine(busy * MS_PER_TICK, total * MS_PER_TICK);
    }

    record Machine(double busyMs, double totalMs) {
    }

    /** The fields of a stat line after the command name, from the state on (the name may contain spaces). */
    private static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** utime + stime: the 12th and 13th fields from the state on. */
    private static double ticksMs(String[] fields) {
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MS_PER_TICK;
    }
}
