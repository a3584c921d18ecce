import { randomUUID } from 'node:crypto';
import type { AccountIam } from '../account-iam.js';
import { AwsServiceError } from '../account-errors.js';
import type { Principal } from '../principals.js';
import { LOCAL_ACCOUNT } from '../template.js';

/** One output of the stack, resolved as the local account serves it. */
export interface StackOutput {
  key: string;
  value: string;
  description?: string | undefined;
}

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The CloudFormation API (query protocol, XML answers) as far as the operator's tools need it:
 * DescribeStacks of the one stack the account runs, with the template's outputs resolved to what
 * this machine serves (the HTTP API's URL, the bucket, the state machine). `npm run connect` and
 * `doctor` read outputs this way in AWS, and the AWS CLI does with the clipbay-local profile.
 * Checked against IAM like every call: the functions' roles have no CloudFormation grant.
 */
export class CloudFormationService {
  readonly stackId: string;

  constructor(
    private readonly iam: AccountIam,
    private readonly stackName: string,
    private readonly outputs: () => StackOutput[],
    private readonly createdAt = new Date(),
  ) {
    this.stackId = `arn:aws:cloudformation:${LOCAL_ACCOUNT.region}:${LOCAL_ACCOUNT.accountId}:stack/${stackName}/${randomUUID()}`;
  }

  /** One query-protocol request (`Action=DescribeStacks&Version=2010-05-15`): the XML answer. */
  async handle(params: URLSearchParams, principal: Principal): Promise<string> {
    const action = params.get('Action') ?? '';
    if (action !== 'DescribeStacks')
      throw new AwsServiceError('InvalidAction', `The action ${action} is not valid for this endpoint.`, 400);
    const asked = params.get('StackName');
    if (asked && asked !== this.stackName && asked !== this.stackId)
      throw new AwsServiceError('ValidationError', `Stack with id ${asked} does not exist`, 400);
    this.iam.authorize(principal, { action: 'cloudformation:DescribeStacks', resource: this.stackId });
    const outputs = this.outputs()
      .map(
        (o) =>
          `<member><OutputKey>${xml(o.key)}</OutputKey><OutputValue>${xml(o.value)}</OutputValue>${
            o.description ? `<Description>${xml(o.description)}</Description>` : ''
          }</member>`,
      )
      .join('');
    return (
      '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">' +
      '<DescribeStacksResult><Stacks><member>' +
      `<StackName>${xml(this.stackName)}</StackName><StackId>${xml(this.stackId)}</StackId>` +
      `<CreationTime>${this.createdAt.toISOString()}</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>` +
      `<Outputs>${outputs}</Outputs>` +
      '</member></Stacks></DescribeStacksResult>' +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>` +
      '</DescribeStacksResponse>'
    );
  }
}

/** A query-protocol error, as CloudFormation writes it. */
export function queryErrorXml(code: string, message: string): string {
  return (
    `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>` +
    `<Code>${xml(code)}</Code><Message>${xml(message)}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}
