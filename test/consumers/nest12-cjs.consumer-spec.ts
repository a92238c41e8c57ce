import { describeConsumerWorkflow } from './support/workflow';

describeConsumerWorkflow({ name: 'nest12-cjs', stack: 'nest12', kind: 'cjs-node20' });
