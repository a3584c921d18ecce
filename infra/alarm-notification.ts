import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmNotificationProps {
  /** Who is told (`-c alarmEmail=ops@example.com`); SNS first mails them a link to confirm. */
  email: string;
  /** The names of the alarms that may publish here (`Clipbay-*`): CloudWatch's grant is scoped to them. */
  alarmNamePattern: string;
}

/**
 * The optional notification of the stack's alarms: an SNS topic with one e-mail subscription.
 * Publishing requires TLS (cdk-nag AwsSolutions-SNS3), and only CloudWatch, for this account's
 * alarms of this stack, is granted Publish (the topic policy that enforces TLS replaces SNS's
 * default one).
 */
export class AlarmNotification extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmNotificationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.topic = new Topic(this, 'Topic', { displayName: 'clipbay alarms', enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(props.email));
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisStack',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: props.alarmNamePattern,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'The alarm notices carry alarm names, states and metric values, nothing secret. CloudWatch cannot publish to a topic encrypted with the AWS managed key for SNS (its key policy cannot grant cloudwatch.amazonaws.com), so encryption would need a customer managed key for no gain.',
    });
  }
}
