import { describeConsumerWorkflow } from './support/workflow';

describeConsumerWorkflow({ name: 'nest10-cjs', stack: 'nest10', kind: 'cjs-classic' });
