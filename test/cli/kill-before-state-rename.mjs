// Preloaded into a child `nps monitor`: the moment the state's temporary file, written whole, is
// about to be renamed over the state file, the process is killed (SIGKILL: no handler runs).
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const rename = fsp.rename;
fsp.rename = async (from, to) => {
  if (String(to).endsWith('state.json')) process.kill(process.pid, 'SIGKILL');
  return rename(from, to);
};
syncBuiltinESMExports();
