export * from "./codec.js";
export { Reader } from "./reader.js";
export { Writer } from "./writer.js";
