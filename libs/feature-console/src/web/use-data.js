import { useCallback, useEffect, useState } from 'preact/hooks';

/** Loads with `load()` when `deps` change; `reload` runs it again. Errors are kept to show. */
export function useData(load, deps) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  const run = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    return load().then(
      (data) => setState({ data, error: undefined, loading: false }),
      (error) => setState({ data: undefined, error, loading: false }),
    );
  }, deps);
  useEffect(() => {
    run();
  }, [run]);
  return { ...state, reload: run };
}
