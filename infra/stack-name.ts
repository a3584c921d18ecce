/** The one stack the CDK app deploys; `connect` and `doctor` find it by this name. */
export const STACK_NAME = 'Clipbay';
