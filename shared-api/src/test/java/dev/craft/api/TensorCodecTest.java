package dev.craft.api;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorCodecTest {

    @Test
    void encodesTheDocumentedBytes() {
        byte[] bytes = TensorCodec.encode(new Tensor(new int[] {1, 2}, new float[] {1.0f, -2.5f}));
        // "CRFT", version 1, dtype 1, rank 2, dims 1 and 2, then 1.0f and -2.5f, all little-endian
        assertThat(HexFormat.of().formatHex(bytes))
                .isEqualTo("43524654" + "01" + "01" + "0200" + "01000000" + "02000000" + "0000803f" + "000020c0");
        assertThat(bytes).hasSize((int) TensorCodec.encodedBytes(new int[] {1, 2}));
    }

    @Test
    void roundTripsLargeTensorsAcrossChunks() throws IOException {
        float[] values = new float[200_001];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i) * i;
        }
        values[7] = Float.NaN;
        Tensor tensor = new Tensor(new int[] {3, 66_667, 1}, values);
        Tensor back = TensorCodec.read(new ByteArrayInputStream(TensorCodec.encode(tensor)), values.length);
        assertThat(back.shape()).containsExactly(3, 66_667, 1);
        assertThat(Arrays.equals(back.data(), values)).isTrue();
    }

    @Test
    void writesDirectBuffersOfEitherByteOrderAsTheArrayForm() throws IOException {
        float[] values = new float[150_003];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.cos(i) * i;
        }
        int[] shape = {3, 50_001};
        byte[] expected = TensorCodec.encode(new Tensor(shape, values));
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            FloatBuffer direct = ByteBuffer.allocateDirect(4 * values.length).order(order).asFloatBuffer().put(values);
            direct.flip();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TensorCodec.write(shape, direct.asReadOnlyBuffer(), out);
            assertThat(out.toByteArray()).isEqualTo(expected);
            assertThat(direct.position()).isZero();
        }
        assertThatThrownBy(() -> TensorCodec.write(new int[] {2}, FloatBuffer.allocate(3), new ByteArrayOutputStream()))
                .hasMessageContaining("needs 2 values, the buffer holds 3");
    }

    @Test
    void refusesMalformedInputBeforeAllocating() {
        byte[] good = TensorCodec.encode(new Tensor(new int[] {2, 2}, new float[4]));
        assertThatThrownBy(() -> TensorCodec.read(new ByteArrayInputStream(good), 3))
                .isInstanceOf(TensorFormatException.class).hasMessageContaining("more than the 3 values");
        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        assertThatThrownBy(() -> TensorCodec.read(new ByteArrayInputStream(badMagic), 100))
                .hasMessageContaining("bad magic");
        byte[] badDtype = good.clone();
        badDtype[5] = 9;
        assertThatThrownBy(() -> TensorCodec.read(new ByteArrayInputStream(badDtype), 100))
                .hasMessageContaining("dtype 9");
        assertThatThrownBy(() -> TensorCodec.read(new ByteArrayInputStream(Arrays.copyOf(good, good.length - 1)), 100))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> TensorCodec.read(new ByteArrayInputStream(new byte[3]), 100))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> new Tensor(new int[] {2, 2}, new float[3])).hasMessageContaining("needs 4 values");
    }

    @Test
    void predictFrameCarriesJsonHeaderAndPrompts() throws IOException {
        Tensor prompts = new Tensor(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PredictFrame("{\"datasetId\":\"ds_1\",\"classSetId\":\"cs_é\"}", prompts).write(out);
        PredictFrame back = PredictFrame.read(new ByteArrayInputStream(out.toByteArray()), 6);
        assertThat(back.headerJson()).isEqualTo("{\"datasetId\":\"ds_1\",\"classSetId\":\"cs_é\"}");
        assertThat(back.prompts()).isEqualTo(prompts);

        byte[] hugeHeader = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        assertThatThrownBy(() -> PredictFrame.read(new ByteArrayInputStream(hugeHeader), 6))
                .isInstanceOf(TensorFormatException.class).hasMessageContaining("header length");
    }
}
