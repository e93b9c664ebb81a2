/// Text the ledger writes itself and stores in Chinese (a follow-up's detail made of the sheet's
/// option labels, the closing words of a death or a correction), shown in the reader's language.
///
/// What is stored stays Chinese: ledgers are merged and read by Chinese offices. For an English
/// reader a detail is read back piece by piece: pieces apart by "；", each `labels：text`, where
/// labels apart by "、" that are all the form's option labels are put in English and the text a
/// person typed is left as it is; a whole piece that is one of the ledger's own phrases
/// (`stored.<phrase>` in the catalogs) is put in English too. Anything else is left as it is.
public struct StoredText: Sendable {
    private let strings: Strings
    private let labels: [String: String]

    public init(strings: Strings, form: FormDefinition) {
        self.strings = strings
        var labels: [String: String] = [:]
        if strings.language == .en {
            for field in form.sections.flatMap(\.fields) {
                for option in field.options where labels[option.label.zhHans] == nil {
                    labels[option.label.zhHans] = option.label.en
                }
            }
        }
        self.labels = labels
    }

    public func callAsFunction(_ text: String) -> String {
        guard strings.language != .zhHans, !text.isEmpty else { return text }
        return text.components(separatedBy: "；").map(piece).joined(separator: "; ")
    }

    private func piece(_ piece: String) -> String {
        if let phrase = strings.table["stored." + piece] { return phrase }
        let parts = piece.split(separator: "：", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let names = parts[0].components(separatedBy: "、")
        guard names.allSatisfy({ labels[$0] != nil }) else { return piece }
        let head = names.map { labels[$0]! }.joined(separator: ", ")
        return parts.count > 1 ? head + ": " + parts[1] : head
    }
}
