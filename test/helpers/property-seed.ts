/**
 * The seed of every fast-check property in this test process. CI runs each property on one fixed
 * seed, so a run on a clean clone tells the same as the last one did; elsewhere a new seed per run
 * keeps exploring. Either way a failure prints its seed and path, and FC_SEED=<seed> replays it.
 */
import fc from 'fast-check';

const CI_SEED = 20_261_125;
const given = process.env.FC_SEED;
const seed = given !== undefined ? Number(given) : process.env.CI ? CI_SEED : undefined;
if (seed !== undefined && !Number.isSafeInteger(seed))
  throw new Error(`FC_SEED must be a whole number, not ${given}`);
if (seed !== undefined) fc.configureGlobal({ seed });
