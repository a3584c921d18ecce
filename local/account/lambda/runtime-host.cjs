// The Lambda Node.js runtime, as far as clipbay's functions can tell: loads the handler named by
// _HANDLER from LAMBDA_TASK_ROOT at init, runs one invocation at a time, and reports results and
// errors the way Lambda does ({ errorType, errorMessage }). Spoken to over IPC by lambda-container.ts.
'use strict';
const net = require('node:net');
const path = require('node:path');

// The environment's network path. Every connection the function opens is tracked, so that when
// the account says the path forgot them while the environment was frozen (`dropConnections`: a
// NAT's idle timeout, which answers the next packet of a forgotten connection with a reset, not a
// FIN), each one takes the next bytes written to it and then fails with ECONNRESET, as the
// kernel reports the peer's RST. Nothing written to it reaches the peer.
/** The connections this environment opened that are still open. */
const openConnections = new Set();
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  if (!openConnections.has(this)) {
    openConnections.add(this);
    this.once('close', () => openConnections.delete(this));
  }
  return connect.apply(this, args);
};
/** This invocation's count of dropped connections, and of those that then took bytes and reset. */
let network = { dropped: 0, reset: 0 };

function dropConnections() {
  for (const socket of openConnections) {
    if (socket.destroyed) continue;
    network.dropped++;
    let reset = false;
    const swallow = (callback) => {
      // The bytes leave (the write succeeds); the forgotten connection's answer is a reset.
      callback();
      if (reset) return;
      reset = true;
      network.reset++;
      setImmediate(() =>
        socket.destroy(
          Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' }),
        ),
      );
    };
    socket._write = (_chunk, _encoding, callback) => swallow(callback);
    socket._writev = (_chunks, callback) => swallow(callback);
  }
}

const [moduleName, exportName] = (process.env._HANDLER || 'index.handler').split('.');
let handler;
try {
  handler = require(path.join(process.env.LAMBDA_TASK_ROOT, moduleName))[exportName];
  if (typeof handler !== 'function')
    throw Object.assign(new Error(`${process.env._HANDLER} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  process.send({ type: 'ready' });
} catch (error) {
  process.send({
    type: 'init-error',
    errorType: errorType(error, 'Runtime.ImportModuleError'),
    errorMessage: String(error && error.message),
  });
  process.exit(1);
}

/** The invocation in progress, if any: an unhandled rejection fails it. */
let current;

// Lambda's Node.js runtime fails the invocation in progress with Runtime.UnhandledPromiseRejection
// and ends the process on an unhandled rejection; the next invocation is a cold start.
process.on('unhandledRejection', (reason) => {
  const errorMessage = String(reason && reason.message !== undefined ? reason.message : reason);
  console.error(`Runtime.UnhandledPromiseRejection: ${errorMessage}`);
  const exit = () => process.exit(128);
  if (!current) return exit();
  process.send(
    {
      type: 'result',
      requestId: current,
      ok: false,
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage,
    },
    exit,
  );
});

process.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  current = message.requestId;
  network = { dropped: 0, reset: 0 };
  if (message.dropConnections) dropConnections();
  const deadline = Date.now() + message.timeoutMs;
  const context = {
    awsRequestId: message.requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: message.functionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(message.event, context);
    // Lambda serialises the result as JSON.
    const json = result === undefined ? null : JSON.parse(JSON.stringify(result));
    const bytes = Buffer.byteLength(JSON.stringify(json));
    // A synchronous invocation's response is at most 6 MB.
    if (bytes > MAX_RESPONSE_BYTES)
      throw Object.assign(
        new Error(
          `Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        ),
        { name: 'Function.ResponseSizeTooLarge' },
      );
    process.send({ type: 'result', requestId: message.requestId, ok: true, result: json, network });
  } catch (error) {
    process.send({
      type: 'result',
      requestId: message.requestId,
      ok: false,
      errorType: errorType(error, 'Error'),
      errorMessage: String(error && error.message !== undefined ? error.message : error),
      network,
    });
  }
});

/** Lambda's limit on a synchronous invocation's response. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

function errorType(error, fallback) {
  return (error && typeof error.name === 'string' && error.name) || fallback;
}
