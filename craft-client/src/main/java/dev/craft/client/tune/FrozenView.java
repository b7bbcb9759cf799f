package dev.craft.client.tune;

/**
 * A prompt whose search stage is over ({@code --views}): the refinement network keeps reading its
 * logits beside those of the prompts searched after it.
 *
 * @param z            the prompt's z in its stage's evaluation space
 * @param prompt       the prompt offset, L * d values
 * @param trainLogits  its training logits [N, K], paid for when it was a candidate
 */
record FrozenView(double[] z, float[] prompt, float[] trainLogits) {
}
