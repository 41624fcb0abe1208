import Foundation
import TenantStorage
import Wire

/// Uploaded files: the type is recognised from the bytes, the text extracted on the pool, then written as
/// any other document.
extension KnowledgeBase {
    /// The largest file an upload may carry.
    public static let maximumUploadBytes = 10 * 1024 * 1024

    public func upload(_ request: UploadDocumentRequest, scope: TenantScope, maximumDocuments: Int) async throws(KnowledgeError)
        -> UploadDocumentResponse {
        func refused(_ code: String, _ message: String, format: DocumentFormat? = nil) -> UploadDocumentResponse {
            UploadDocumentResponse(result: DocumentWriteResult(index: 0, errorCode: code, errorMessage: message), format: format?.rawValue,
                                   extractedCharacters: 0)
        }
        guard request.data.count <= Self.maximumUploadBytes else {
            return refused("payload_too_large", "the file is larger than \(Self.maximumUploadBytes) bytes")
        }
        guard let format = DocumentFormat.sniff(request.data, filename: request.filename) else {
            return refused("unsupported_media_type", "the file is not UTF-8 text, Markdown, HTML or PDF")
        }
        let data = request.data, extractor = pdfExtractor
        let extracted = try await onPool { _ -> Result<(text: String, title: String?), PDFTextExtractor.Failure> in
            switch format {
            case .text, .markdown:
                var bytes = data[...]
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
                return .success((String(decoding: bytes, as: UTF8.self), nil))
            case .html:
                let (text, title) = HTMLTextExtractor.extract(data)
                return .success((text, title))
            case .pdf:
                do throws(PDFTextExtractor.Failure) {
                    return .success((try extractor.text(of: data), nil))
                } catch {
                    return .failure(error)
                }
            }
        }
        let text: String, foundTitle: String?
        switch extracted {
        case .success(let value): (text, foundTitle) = value
        case .failure(.toolMissing):
            return refused("unsupported_media_type",
                           "PDF uploads need poppler's pdftotext where the RAG service runs (apt-get install poppler-utils)", format: format)
        case .failure(.unreadable(let reason)): return refused("unsupported_media_type", "the PDF cannot be read: \(reason)", format: format)
        case .failure(.timedOut): return refused("unsupported_media_type", "reading the PDF took too long", format: format)
        case .failure(.tooMuchText): return refused("payload_too_large", "the PDF holds more text than a document may", format: format)
        }
        guard !text.trimmingWhitespace().isEmpty else {
            return refused("invalid_argument", "the file has no text to index (a scanned PDF needs OCR first)", format: format)
        }
        let stem = (request.filename as NSString).deletingPathExtension
        let title = request.title ?? foundTitle ?? (stem.isEmpty ? nil : String(stem.prefix(limits.maximumTitleLength)))
        let written = try await write([DocumentInput(id: request.id, title: title, content: text, metadataJSON: request.metadataJSON)],
                                      scope: scope, maximumDocuments: maximumDocuments)
        return UploadDocumentResponse(result: written.results[0], format: format.rawValue, extractedCharacters: text.count, job: written.job)
    }
}
