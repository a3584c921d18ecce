import type { CloudFormationTemplate } from '../../local/account/template.js';

/**
 * A copy of the template whose two ingress functions have these variables too: the limits as
 * `-c LIMIT_…` puts them there (test/infra/clipbay-stack.test.ts checks that mapping), set on the
 * synthesized template so that a test file needs no synth of its own.
 */
export function withIngressEnvironment(variables: Record<string, string>) {
  return (template: CloudFormationTemplate): CloudFormationTemplate => {
    const copy = structuredClone(template);
    for (const [id, resource] of Object.entries(copy.Resources))
      if (resource.Type === 'AWS::Lambda::Function' && /^(SlackEvents|DiscordInteractions)Fn/.test(id))
        Object.assign(
          (resource.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment
            .Variables,
          variables,
        );
    return copy;
  };
}
