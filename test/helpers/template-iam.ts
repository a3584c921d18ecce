import { AccountIam } from '../../local/account/account-iam.js';
import { Principals, type Principal } from '../../local/account/principals.js';
import { synthesize } from '../../local/account/synth.js';
import { TemplateResolver, type TemplateResource } from '../../local/account/template.js';

/**
 * The synthesized template, read the way the emulated account reads it: its functions, their
 * environments and roles, and the IAM that decides what each role may do.
 */
export interface TemplateIam {
  resolver: TemplateResolver;
  iam: AccountIam;
  /** The function whose logical id starts with `prefix` (`SubmitFn`), with that id. */
  functionOf(prefix: string): [string, TemplateResource];
  /** A function's environment, every intrinsic resolved. */
  environmentOf(fn: TemplateResource): Record<string, string>;
  /** The principal a function runs as: its own role. */
  roleOf(prefix: string): Principal;
  /** The ARN of the secret whose logical id starts with `kind` (any case): `tokenBay`, `slack`… */
  secretArn(kind: string): string;
}

export async function templateIam(): Promise<TemplateIam> {
  const { template } = await synthesize();
  const resolver = new TemplateResolver(template);
  const principals = new Principals();
  const functionOf = (prefix: string) =>
    resolver.resourcesOfType('AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))!;
  return {
    resolver,
    iam: new AccountIam(resolver),
    functionOf,
    environmentOf: (fn) =>
      resolver.resolve((fn.Properties!.Environment as { Variables: object }).Variables) as Record<
        string,
        string
      >,
    roleOf: (prefix) => {
      const [id, fn] = functionOf(prefix);
      return principals.forRole(resolver.string(fn.Properties!.Role), id);
    },
    secretArn: (kind) =>
      resolver.ref(
        resolver
          .resourcesOfType('AWS::SecretsManager::Secret')
          .find(([id]) => id.toLowerCase().startsWith(kind.toLowerCase()))![0],
      ),
  };
}
