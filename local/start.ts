/** `npm start`: all of clipbay on this machine, no AWS account, no keys. */
import { runLocalStack } from './run-local-stack.js';

runLocalStack();
