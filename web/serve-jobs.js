// A worker's side of the page's requests: { id, kind, … } in, { id, ok, result } or
// { id, ok: false, error } out, once the core's wasm has loaded. Used by the workers of
// the Quorums and History tabs; progress messages are the jobs' own.

/** Answers each message with `jobs[kind](message)`, after `ready`. */
export function serveJobs(ready, jobs) {
  self.onmessage = async ({ data }) => {
    try {
      await ready;
      const result = await jobs[data.kind](data);
      self.postMessage({ id: data.id, ok: true, result });
    } catch (error) {
      self.postMessage({ id: data.id, ok: false, error: error?.message ?? String(error) });
    }
  };
}
