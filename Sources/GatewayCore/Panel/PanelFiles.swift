import CryptoPrimitives
import Foundation
import HTTPServerCore

/// The admin panel: static files (HTML, JavaScript modules, CSS, SVG) read once when the gateway starts from
/// `GATEWAY_PANEL_DIR` (default `panel`), kept in memory and served at `/` (the `index.html`) and at their
/// paths under it; the API reference is its `docs/` folder, at `/docs`. Only files found at start are routes, so no request can name a file outside the folder.
///
/// Every answer carries a strict Content-Security-Policy (scripts, styles, images and API calls from this
/// origin only; no inline script or style, no `eval`, no framing, no plugins) and an ETag; the panel renders data
/// with DOM APIs and `textContent`, never HTML strings.
public struct PanelFiles: Sendable {
    public struct File: Sendable {
        public var body: [UInt8]
        public var contentType: String
        public var etag: String
    }

    /// Path (`/index.html`, `/js/app.js`) → file.
    public let files: [String: File]

    /// The policy of every panel answer.
    public static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'"

    static let types = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
                        "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon", "json": "application/json; charset=utf-8",
                        "woff2": "font/woff2", "txt": "text/plain; charset=utf-8"]
    static let maximumFiles = 500
    static let maximumFileBytes = 4 << 20

    public init(files: [String: File]) { self.files = files }

    /// The files under `directory` with a known extension (hidden files skipped); empty when the folder is missing.
    public static func load(directory: String) -> PanelFiles {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                                                          options: [.skipsHiddenFiles]) else { return PanelFiles(files: [:]) }
        var files: [String: File] = [:]
        for case let url as URL in walker {
            guard files.count < maximumFiles,
                  let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey]), values.isRegularFile == true,
                  (values.fileSize ?? 0) <= maximumFileBytes, let type = types[url.pathExtension.lowercased()],
                  let data = try? Data(contentsOf: url) else { continue }
            let relative = url.standardizedFileURL.path.dropFirst(root.path.count)
            guard relative.hasPrefix("/"), relative.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { continue }
            let body = Array(data)
            files[String(relative)] = File(body: body, contentType: type, etag: "\"" + Digest.hex(Digest.sha256(body).prefix(12)) + "\"")
        }
        return PanelFiles(files: files)
    }

    /// The answer for `file`: 304 when the client's `If-None-Match` has its ETag.
    static func response(_ file: File, request: HTTPRequest) -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": file.contentType, "ETag": file.etag, "Cache-Control": "no-cache",
                                    "Content-Security-Policy": contentSecurityPolicy, "Cross-Origin-Opener-Policy": "same-origin",
                                    "Cross-Origin-Resource-Policy": "same-origin"]
        if let match = request.headers["If-None-Match"], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == file.etag }) {
            headers["Content-Type"] = nil
            return HTTPResponse(status: 304, headers: headers)
        }
        return HTTPResponse(status: 200, headers: headers, body: file.body)
    }

    /// Routes every file, and each folder's `index.html` at the folder (`/` → `/index.html`, `/docs` →
    /// `/docs/index.html`); public: the panel signs in with the API itself.
    func register(on router: inout Router<GatewayRoute>) {
        for (path, file) in files {
            router.add("GET", path, GatewayRoute(access: .public) { request, _ in Self.response(file, request: request) })
            guard path.hasSuffix("/index.html") else { continue }
            let folder = String(path.dropLast("/index.html".count))
            router.add("GET", folder.isEmpty ? "/" : folder, GatewayRoute(access: .public) { request, _ in Self.response(file, request: request) })
        }
    }
}
