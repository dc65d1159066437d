// Preloaded into Portkey's gateway (node --import): its server listens on every interface and has
// no option to choose one; the benchmark binds every server to 127.0.0.1.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number') {
    return listen.call(this, args[0], '127.0.0.1', ...args.slice(1).filter((a) => typeof a === 'function'));
  }
  if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined) {
    return listen.call(this, { ...args[0], host: '127.0.0.1' }, ...args.slice(1));
  }
  return listen.apply(this, args);
};
