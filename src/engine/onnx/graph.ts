/** Read-only indexes over an ONNX graph: who produces and who consumes each tensor. */
import type { GraphProto, NodeProto, TensorProto } from './proto.js';

export class GraphIndex {
  readonly producer = new Map<string, NodeProto>();
  readonly consumers = new Map<string, NodeProto[]>();
  readonly initializers = new Map<string, TensorProto>();
  readonly inputs = new Set<string>();

  constructor(readonly graph: GraphProto) {
    for (const tensor of graph.initializer ?? []) this.initializers.set(tensor.name ?? '', tensor);
    for (const input of graph.input ?? []) this.inputs.add(input.name ?? '');
    for (const node of graph.node ?? []) {
      for (const output of node.output ?? []) this.producer.set(output, node);
      for (const input of node.input ?? []) {
        if (!input) continue;
        const list = this.consumers.get(input);
        if (list) list.push(node);
        else this.consumers.set(input, [node]);
      }
    }
  }

  consumersOf(tensor: string): NodeProto[] {
    return this.consumers.get(tensor) ?? [];
  }

  /**
   * Follows `tensor` back through ops that only relabel values (Cast, Identity) and returns the
   * tensor they start from: lets structural matches ignore an exporter's harmless extra casts.
   */
  sourceOf(tensor: string): string {
    let current = tensor;
    for (;;) {
      const node = this.producer.get(current);
      if (!node || !PASS_THROUGH.has(node.opType ?? '')) return current;
      current = node.input?.[0] ?? current;
    }
  }

  /** Consumers of `tensor`, looking through pass-through ops (Cast, Identity, Dropout) to the real users. */
  usersOf(tensor: string): NodeProto[] {
    const users: NodeProto[] = [];
    for (const node of this.consumersOf(tensor)) {
      if (PASS_THROUGH.has(node.opType ?? '')) users.push(...this.usersOf(node.output?.[0] ?? ''));
      else users.push(node);
    }
    return users;
  }
}

const PASS_THROUGH = new Set(['Cast', 'Identity', 'Dropout']);
