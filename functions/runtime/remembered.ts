/**
 * A value made once per cold start, and made again only when what it is made from changes (a
 * rotated secret, another table): the functions' clients and adapters live across invocations
 * this way. The inputs are compared by their JSON, kept in memory only.
 */
export function remembered<Inputs, Value>(make: (inputs: Inputs) => Value): (inputs: Inputs) => Value {
  let last: { key: string; value: Value } | undefined;
  return (inputs) => {
    const key = JSON.stringify(inputs) ?? '';
    if (last?.key !== key) last = { key, value: make(inputs) };
    return last.value;
  };
}
