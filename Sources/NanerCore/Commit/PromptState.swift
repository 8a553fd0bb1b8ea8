import FoundationEssentials

/// What `naner prompt` shows: the state a shell prompt needs, from local files only.
public struct PromptState: Sendable, Equatable {
    /// Changes the next commit records (edits, new and deleted files, permissions).
    public var changes = 0
    /// Files the secret guard refuses to commit.
    public var refused = 0
    /// Commits here and there since the last sync with the sync remote (0 without one).
    public var ahead = 0
    public var behind = 0
    /// A sync merge stopped on conflicts and waits to be finished or aborted.
    public var merging = false
    /// Read back from the last prompt's record: another naner holds the repository.
    public var isLastKnown = false

    public init() {}

    /// Nothing to show: clean and in step.
    public var isQuiet: Bool { changes == 0 && refused == 0 && ahead == 0 && behind == 0 && !merging }

    /// The last answer, kept in the repository so a prompt shown while another naner
    /// holds the lock can still say something: `REPO/naner-prompt`.
    static let file = "naner-prompt"

    var recordText: String { "naner-prompt 1 \(changes) \(refused) \(ahead) \(behind) \(merging ? 1 : 0)\n" }

    init?(record text: String) {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count == 7, words[0] == "naner-prompt", words[1] == "1" else { return nil }
        let numbers = words[2...].compactMap { Int($0) }
        guard numbers.count == 5, numbers.allSatisfy({ $0 >= 0 }) else { return nil }
        (changes, refused, ahead, behind) = (numbers[0], numbers[1], numbers[2], numbers[3])
        merging = numbers[4] != 0
    }
}
