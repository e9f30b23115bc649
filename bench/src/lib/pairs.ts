/**
 * Labelled-pair reading and seeded sampling, reused from the threshold-tuning tool so the
 * benchmark and the tuning read and sample pairs identically (same --limit/--seed → same pairs).
 * The tool is not a library, so there is no @deja path to it yet; this is the one place that
 * crosses into it. When the helpers move into a library, import them from there instead.
 */
// eslint-disable-next-line @nx/enforce-module-boundaries -- tools/tune-threshold exports these but is not a library (see above)
export { readPairs, samplePairs, type LabelledPair } from '../../../tools/tune-threshold/pairs';
export { seededRandom } from '@deja/util-random';
