package dev.craft.client.refine;

import java.util.List;

/**
 * Everything needed to continue training a {@link RefinementMlp} bit-identically: the parameters
 * and the Adam moments as plain arrays, plus the step count. Serialisable with Jackson
 * (floats written in their shortest round-tripping decimal form).
 *
 * <p>Parameter order: for each layer l = 0..layers-1, the weight {@code [out, in]} (row-major,
 * PyTorch's nn.Linear layout) and then the bias {@code [out]}. {@code firstMoments} and
 * {@code secondMoments} follow the same order.
 *
 * @param config        the network and optimiser settings
 * @param step          optimiser steps taken so far
 * @param parameters    parameter values
 * @param firstMoments  Adam m
 * @param secondMoments Adam v
 */
public record RefinerState(
        RefinerConfig config,
        long step,
        List<float[]> parameters,
        List<float[]> firstMoments,
        List<float[]> secondMoments) {

    public RefinerState {
        if (config == null) {
            throw new IllegalArgumentException("config is required");
        }
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        parameters = List.copyOf(parameters);
        firstMoments = List.copyOf(firstMoments);
        secondMoments = List.copyOf(secondMoments);
        int tensors = config.parameterTensors();
        if (parameters.size() != tensors || firstMoments.size() != tensors || secondMoments.size() != tensors) {
            throw new IllegalArgumentException("expected " + tensors + " tensors each, got " + parameters.size() + "/"
                    + firstMoments.size() + "/" + secondMoments.size());
        }
        for (int i = 0; i < tensors; i++) {
            int expected = RefinementMlp.tensorSize(config, i);
            if (parameters.get(i).length != expected || firstMoments.get(i).length != expected
                    || secondMoments.get(i).length != expected) {
                throw new IllegalArgumentException("tensor " + i + " must hold " + expected + " values");
            }
        }
    }
}
