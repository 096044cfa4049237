// Stands in for Electron's utility process in a plain Node child: the hub entry reports through
// `process.parentPort.postMessage`, which becomes the child's IPC channel here.
process.parentPort = { postMessage: (message) => process.send(message) };
