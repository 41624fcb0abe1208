import Wire

/// One piece of a document as it is indexed and cited: its position, the heading path it sits under
/// (outermost first, joined with ` > `; empty before the first heading) and its text in the original case.
/// The Wire type is used as is, so a chunk crosses the service boundary without conversion.
public typealias DocumentChunk = ChunkDescription
