import { simulatorConfigSchema } from '@deja/feature-provider-simulator';
import { configLoader } from '@deja/util-config';

/** The simulator's environment, parsed once; a bad value stops the process naming every bad key. */
export const loadConfig = configLoader('provider-simulator', simulatorConfigSchema);
