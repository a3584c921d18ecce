/**
 * Tests only: the CDK context key naming a tsconfig (relative to the project root) whose `paths`
 * give the platform registry a platform of the test's own (test/platforms/). The stack bundles
 * every function with it, and local/account/synth.ts runs the synth under it.
 */
export const REGISTRY_TSCONFIG_CONTEXT = 'clipbay:registryTsconfig';
