// What a Lambda bundle holds in place of a package it leaves out (LAMBDA_BUNDLING.leftOut in
// infra/lambda-bundling.ts): loading it costs nothing, and any use throws an error that says what
// was left out and why, never a silent empty object. Every export, at any depth, is the same kind
// of stand-in; calling or constructing one throws.
/* global module */
'use strict';

function leftOut(path) {
  const fail = () => {
    throw new Error(
      `clipbay left this package out of the Lambda bundle, yet code called ${path}. The packages ` +
        "in LAMBDA_BUNDLING.leftOut (infra/lambda-bundling.ts) serve only Bolt's Socket Mode, HTTP " +
        'and Express receivers and its OAuth flow; the Lambdas use AwsLambdaReceiver. Take the ' +
        'package off that list if a Lambda needs it.',
    );
  };
  return new Proxy(function leftOutModule() {}, {
    apply: fail,
    construct: fail,
    get(_target, key) {
      // Asked by CommonJS/ESM interop, promises and inspection: answered as for a plain object.
      if (typeof key === 'symbol' || key === '__esModule' || key === 'then') return undefined;
      return leftOut(`${path}.${key}`);
    },
  });
}

module.exports = leftOut('the left-out package');
