import { createHash } from 'node:crypto';

/** The parts of a CloudFormation template the local account reads. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
export interface CloudFormationTemplate {
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** The fake account the template is "deployed" into. */
export const LOCAL_ACCOUNT = { accountId: '123456789012', region: 'us-east-1', partition: 'aws' } as const;

export interface ResolverOptions {
  /** Physical bucket names by logical id (the video bucket keeps its configured name locally). */
  bucketNames?: Record<string, string>;
  /** What `Fn::GetAtt [Api, ApiEndpoint]` is: the local server's URL, as a custom domain would be. */
  apiEndpoint?: string;
}

/**
 * Resolves the intrinsic functions CDK emits (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split,
 * Fn::Sub) to the physical names and ARNs the resources have in the local account.
 */
export class TemplateResolver {
  constructor(
    readonly template: CloudFormationTemplate,
    private readonly options: ResolverOptions = {},
  ) {}

  resourcesOfType(type: string): [string, TemplateResource][] {
    return Object.entries(this.template.Resources).filter(([, r]) => r.Type === type);
  }

  resource(logicalId: string): TemplateResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`The template has no resource ${logicalId}.`);
    return resource;
  }

  /** `Ref` of a resource or pseudo parameter. */
  ref(name: string): string {
    const { accountId, region, partition } = LOCAL_ACCOUNT;
    const pseudo: Record<string, string> = {
      'AWS::Partition': partition,
      'AWS::Region': region,
      'AWS::AccountId': accountId,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'Clipbay',
      'AWS::StackId': `arn:${partition}:cloudformation:${region}:${accountId}:stack/Clipbay/local`,
    };
    if (pseudo[name]) return pseudo[name];
    const resource = this.resource(name);
    switch (resource.Type) {
      case 'AWS::S3::Bucket':
        return this.options.bucketNames?.[name] ?? `clipbay-${name.toLowerCase()}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${name}-${suffix(name)}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:${partition}:states:${region}:${accountId}:stateMachine:${name}`;
      case 'AWS::ApiGatewayV2::Api':
        return suffix(name, 10).toLowerCase();
      case 'AWS::DynamoDB::Table':
        return `Clipbay-${name}-${suffix(name, 12)}`;
      case 'AWS::ApiGatewayV2::Stage':
        return '$default';
      case 'AWS::SNS::Topic':
        return `arn:${partition}:sns:${region}:${accountId}:Clipbay-${name}-${suffix(name, 12)}`;
      case 'AWS::CloudWatch::Alarm':
        return typeof resource.Properties?.AlarmName === 'string'
          ? resource.Properties.AlarmName
          : `Clipbay-${name}`;
      default:
        return name;
    }
  }

  /** `Fn::GetAtt` of a resource. */
  getAtt(logicalId: string, attribute: string): string {
    const { accountId, region, partition } = LOCAL_ACCOUNT;
    const resource = this.resource(logicalId);
    const key = `${resource.Type}.${attribute}`;
    switch (key) {
      case 'AWS::Lambda::Function.Arn':
        return `arn:${partition}:lambda:${region}:${accountId}:function:${logicalId}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:${partition}:iam::${accountId}:role/${logicalId}`;
      case 'AWS::S3::Bucket.Arn':
        return `arn:${partition}:s3:::${this.ref(logicalId)}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:${partition}:logs:${region}:${accountId}:log-group:/clipbay/${logicalId}:*`;
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:${partition}:dynamodb:${region}:${accountId}:table/${this.ref(logicalId)}`;
      case 'AWS::StepFunctions::StateMachine.Arn':
        return this.ref(logicalId);
      case 'AWS::StepFunctions::StateMachine.Name':
        return logicalId;
      case 'AWS::Events::Rule.Arn':
        return `arn:${partition}:events:${region}:${accountId}:rule/${logicalId}`;
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return (
          this.options.apiEndpoint ?? `https://${this.ref(logicalId)}.execute-api.${region}.amazonaws.com`
        );
      default:
        throw new Error(`The local account cannot resolve Fn::GetAtt ${logicalId}.${attribute} (${key}).`);
    }
  }

  /** Resolves every intrinsic in `value`. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!value || typeof value !== 'object') return value;
    const node = value as Record<string, unknown>;
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const [fn] = keys as [string];
      const arg = node[fn];
      switch (fn) {
        case 'Ref':
          return this.ref(arg as string);
        case 'Fn::GetAtt': {
          const [id, attribute] = typeof arg === 'string' ? arg.split('.') : (arg as [string, string]);
          return this.getAtt(id!, attribute!);
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number | string, unknown];
          return (this.resolve(list) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [separator, source] = arg as [string, unknown];
          return String(this.resolve(source)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, vars = {}] = typeof arg === 'string' ? [arg, {}] : (arg as [string, object]);
          return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            if (name in vars) return String(this.resolve((vars as Record<string, unknown>)[name]));
            const [id, attribute] = name.split('.');
            return attribute ? this.getAtt(id!, attribute) : this.ref(id!);
          });
        }
      }
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, this.resolve(v)]));
  }

  /** Resolves and returns a string. */
  string(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`Expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }
}

function suffix(name: string, length = 6): string {
  return createHash('sha256').update(name).digest('base64url').replace(/[-_]/g, 'x').slice(0, length);
}
