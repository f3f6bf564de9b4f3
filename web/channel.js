// The page's side of a worker's jobs (serve-jobs.js is the worker's): each request gets a
// promise, and a worker can be stopped with what is pending failed. Used by the Quorums and
// History tabs.

/** A worker that answers { id, kind, … } requests with promises; `onProgress` gets progress
 *  messages. `stop()` terminates it, failing what is pending. */
export class Channel {
  constructor(url, onProgress = () => {}) {
    this.worker = new Worker(url, { type: 'module' });
    this.pending = new Map();
    this.next = 1;
    this.worker.onmessage = ({ data }) => {
      const waiting = this.pending.get(data.id);
      if (!waiting) return;
      if ('progress' in data) return onProgress(data);
      this.pending.delete(data.id);
      if (data.ok) waiting.resolve(data.result);
      else waiting.reject(new Error(data.error));
    };
    this.worker.onerror = (event) => this.fail(new Error(event.message || 'the worker could not start'));
  }

  call(kind, payload = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...payload, id, kind });
    });
  }

  fail(error) {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  stop() {
    this.worker.terminate();
    this.fail(new Error('stopped'));
  }
}
