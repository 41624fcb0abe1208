import Foundation
import HTTPServerCore
import ServiceLogging
import Wire

/// Voice notes and images of the caller's company (tenant routes): the media service understands the file
/// (format read from the bytes, limits checked there too), then the agent service answers what it says, as
/// the chat test endpoint would. Each route's body limit is its file limit plus room for the other fields.
enum MediaRoutes {
    /// Room in a multipart body for the fields besides the file.
    static let multipartOverhead = 64 << 10

    static func register(on router: inout Router<GatewayRoute>, upstream: UpstreamCaller) {
        router.add("POST", "/api/multimedia/process-voice",
                   GatewayRoute(access: .tenant, bodyLimit: MediaAPI.maximumAudioBytes + multipartOverhead, timeout: .seconds(120)) { request, context in
            guard let company = context.company else { throw HTTPError.internalError() }
            let form = try await MediaForm.parse(request, file: "audio", maximumFileBytes: MediaAPI.maximumAudioBytes)
            let userID = try form.userID()
            let transcription = try await upstream.call(.media, MediaAPI.transcribe,
                                                        TranscribeAudioRequest(companyID: company.id, audio: form.file.body,
                                                                               declaredType: form.declaredType),
                                                        context: context)
            guard !transcription.transcript.isEmpty else {
                throw HTTPError(status: 422, code: "no_speech_detected", message: "No speech was found in the audio.")
            }
            let answer = try await upstream.call(.agent, AgentAPI.chat,
                                                 ChatRequest(companyID: company.id, userID: userID, message: String(transcription.transcript.prefix(4_000))),
                                                 context: context)
            return CompanyJSON.success([
                "company_id": .string(company.id.rawValue), "user_id": .string(userID), "transcript": .string(transcription.transcript),
                "bot_response": .string(answer.reply), "agent_used": .string(answer.agentUsed),
                "intents": .array(answer.intents.map { .string($0) }), "escalated": .bool(answer.escalated),
                "audio": .object([
                    "format": .string(transcription.format), "duration_seconds": transcription.durationSeconds.map { .number($0) } ?? .null,
                    "bytes": .number(Double(form.file.body.count)),
                ]),
                "transcription": .object([
                    "provider": .string(transcription.provider), "model": .string(transcription.model),
                    "language": transcription.language.map { .string($0) } ?? .null, "milliseconds": .number(transcription.milliseconds),
                ]),
                "timestamp": .string(Timestamp.iso8601(Date())),
            ])
        })

        router.add("POST", "/api/multimedia/process-image",
                   GatewayRoute(access: .tenant, bodyLimit: MediaAPI.maximumImageBytes + multipartOverhead, timeout: .seconds(60)) { request, context in
            guard let company = context.company else { throw HTTPError.internalError() }
            let form = try await MediaForm.parse(request, file: "image", maximumFileBytes: MediaAPI.maximumImageBytes)
            let userID = try form.userID()
            let question = form.field("question").map { String($0.prefix(2_000)) }
            let analysis = try await upstream.call(.media, MediaAPI.analyseImage,
                                                   AnalyseImageRequest(companyID: company.id, image: form.file.body, declaredType: form.declaredType,
                                                                       question: question),
                                                   context: context)
            let message = MediaText.message(typed: question, visual: analysis.description, english: company.language.hasPrefix("en"))
            let answer = try await upstream.call(.agent, AgentAPI.chat, ChatRequest(companyID: company.id, userID: userID, message: message),
                                                 context: context)
            let image: JSONValue = .object([
                "format": .string(analysis.format), "width": .number(Double(analysis.width)), "height": .number(Double(analysis.height)),
                "bytes": .number(Double(form.file.body.count)),
            ])
            let method: JSONValue = .object([
                "provider": .string(analysis.provider), "model": analysis.model.map { .string($0) } ?? .null,
                "ocr_confidence": analysis.ocrConfidence.map { .number($0) } ?? .null, "ocr_timed_out": .bool(analysis.ocrTimedOut),
                "provider_note": analysis.providerNote.map { .string($0) } ?? .null, "milliseconds": .number(analysis.milliseconds),
            ])
            var members: [String: JSONValue] = [
                "company_id": .string(company.id.rawValue), "user_id": .string(userID), "question": question.map { .string($0) } ?? .null,
                "image_description": .string(analysis.description), "ocr_text": .string(analysis.ocrText), "text_found": .bool(analysis.textFound),
            ]
            members["bot_response"] = .string(answer.reply)
            members["agent_used"] = .string(answer.agentUsed)
            members["intents"] = .array(answer.intents.map { .string($0) })
            members["escalated"] = .bool(answer.escalated)
            members["image"] = image
            members["analysis"] = method
            members["timestamp"] = .string(Timestamp.iso8601(Date()))
            return CompanyJSON.success(members)
        })

        router.add("GET", "/api/multimedia/capabilities", GatewayRoute(access: .tenant) { _, context in
            guard let company = context.company else { throw HTTPError.internalError() }
            let capabilities = try await upstream.call(.media, MediaAPI.capabilities, MediaCapabilitiesRequest(companyID: company.id), context: context)
            func json(_ capability: MediaCapability) -> JSONValue {
                .object(["available": .bool(capability.available), "provider": .string(capability.provider),
                         "model": capability.model.map { .string($0) } ?? .null, "reason": capability.reason.map { .string($0) } ?? .null])
            }
            return CompanyJSON.success([
                "company_id": .string(company.id.rawValue),
                "voice": json(capabilities.voice), "image": json(capabilities.image), "ocr": json(capabilities.ocr),
                "ocr_languages": .array(capabilities.ocrLanguages.map { .string($0) }),
                "audio_formats": .array(capabilities.audioFormats.map { .string($0) }),
                "image_formats": .array(capabilities.imageFormats.map { .string($0) }),
                "video": .object(["available": .bool(false), "reason": .string("video is not processed")]),
                "limits": .object([
                    "audio_bytes": .number(Double(capabilities.maximumAudioBytes)), "image_bytes": .number(Double(capabilities.maximumImageBytes)),
                    "audio_seconds": .number(capabilities.maximumAudioSeconds), "image_side": .number(Double(capabilities.maximumImageSide)),
                    "image_pixels": .number(Double(capabilities.maximumImagePixels)),
                ]),
            ])
        })
    }
}

/// A media upload's multipart form: the file part (by its name, else the first part with a file name) and
/// the text fields.
struct MediaForm: Sendable {
    var file: MultipartParser.Part
    var parts: [MultipartParser.Part]

    /// The part's declared type, unless it is the generic one clients send when they do not know.
    var declaredType: String? {
        guard let type = file.contentType?.trimmingCharacters(in: .whitespaces), !type.isEmpty,
              !type.lowercased().hasPrefix("application/octet-stream") else { return nil }
        return type
    }

    func field(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }
            .map { String(decoding: $0.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
            .flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `user_id`: required, at most 128 bytes.
    func userID() throws(HTTPError) -> String {
        guard let userID = field("user_id") else {
            throw HTTPError(status: 422, code: "validation_failed", message: "The request body has invalid fields.",
                            details: ["fields": .object(["user_id": .string("is required")])])
        }
        guard userID.utf8.count <= 128, !userID.contains(where: { $0.isNewline }) else {
            throw HTTPError(status: 400, code: "invalid_user_id", message: "The user id is not valid.")
        }
        return userID
    }

    static func parse(_ request: HTTPRequest, file name: String, maximumFileBytes: Int) async throws(HTTPError) -> MediaForm {
        guard let boundary = request.headers["Content-Type"].flatMap(MultipartParser.boundary(fromContentType:)) else {
            throw HTTPError(status: 415, code: "unsupported_media_type",
                            message: "Send the file as multipart/form-data with an '\(name)' part.")
        }
        let parts = try await offEventLoop(bodyBytes: request.body.count) { () throws(HTTPError) -> [MultipartParser.Part] in
            var parser = MultipartParser(boundary: boundary, maximumPartSize: maximumFileBytes, maximumParts: 8)
            let parts = try parser.feed(request.body)
            try parser.finish()
            return parts.filter { !$0.name.isEmpty }
        }
        guard let file = parts.first(where: { $0.name == name && $0.filename != nil }) ?? parts.first(where: { $0.name == name })
                ?? parts.first(where: { $0.filename != nil }), !file.body.isEmpty else {
            throw HTTPError(status: 422, code: "validation_failed", message: "The request body has invalid fields.",
                            details: ["fields": .object([name: .string("is required")])])
        }
        return MediaForm(file: file, parts: parts)
    }
}
