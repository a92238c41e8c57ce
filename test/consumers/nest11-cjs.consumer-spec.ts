import { describeConsumerWorkflow } from './support/workflow';

describeConsumerWorkflow({ name: 'nest11-cjs', stack: 'nest11', kind: 'cjs-classic' });
