// The Node peer of `cargo xtask bench`: the `wechat` npm middleware (node-webot/wechat) in
// safe mode on Node's own http server, answering every text with "you said: " + the text.
//
//   NODE_PATH=target/bench-node/node_modules node bench/node-wechat/server.js PORT POOL_FILE
//
// The account (token, EncodingAESKey, appid) is read from the pool file's header line, the one
// `weixin-bench pool` writes, so the pushes wrk sends decrypt here as they do in Rust.
'use strict';

const fs = require('fs');
const http = require('http');
const wechat = require('wechat');

const [port, poolFile] = process.argv.slice(2);
if (!port || !poolFile) {
  console.error('usage: server.js PORT POOL_FILE');
  process.exit(2);
}

// "# weixin-bench push pool appid=... token=... encoding_aes_key=... count=N"
const header = fs.readFileSync(poolFile, 'utf8').split('\n', 1)[0];
const account = {};
for (const word of header.split(' ')) {
  const eq = word.indexOf('=');
  if (eq > 0) account[word.slice(0, eq)] = word.slice(eq + 1);
}

const middleware = wechat(
  { token: account.token, appid: account.appid, encodingAESKey: account.encoding_aes_key },
  (req, res) => {
    res.reply('you said: ' + req.weixin.Content);
  },
);

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/wxopen') {
    res.writeHead(404);
    res.end();
    return;
  }
  req.query = Object.fromEntries(url.searchParams);
  middleware(req, res, (err) => {
    res.writeHead(500);
    res.end(err ? String(err.name) : 'error');
  });
});
server.keepAliveTimeout = 60000;
server.listen(Number(port), '127.0.0.1', () => {
  console.log(`node-wechat listening on 127.0.0.1:${port}`);
});
