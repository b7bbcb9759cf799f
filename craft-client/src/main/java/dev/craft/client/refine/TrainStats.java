package dev.craft.client.refine;

/**
 * What one training epoch saw. Means are over samples (each mini-batch's mean weighted by its
 * size), measured on the forward pass before that batch's update.
 *
 * @param steps        optimiser steps taken
 * @param samples      training samples seen
 * @param loss         mean total loss
 * @param crossEntropy mean CE(r, y)
 * @param kl           mean KL(softmax(f) || softmax(r)); 0 when the KL term was not active
 * @param accuracy     fraction of samples whose refined prediction argmax(r) equals the label
 * @param totalSteps   the optimiser's step count after the epoch
 */
public record TrainStats(int steps, int samples, double loss, double crossEntropy, double kl, double accuracy,
        long totalSteps) {
}
