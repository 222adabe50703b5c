// "Did you mean 'X'?" for near misses of option names and enumerated values.

enum Suggestions {
    /// The candidate closest to `word`, if it is close enough to be a plausible typo.
    /// Case and `-`/`_` differences count as no difference at all.
    static func nearest(to word: String, in candidates: [String]) -> String? {
        let key = normalized(word)
        guard !key.isEmpty else { return nil }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(key, normalized(candidate))
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.candidate != word else { return nil }
        // One edit for short words, two from five characters, three from nine: beyond that it's a different word.
        let allowed = key.count >= 9 ? 3 : key.count >= 5 ? 2 : 1
        if best.distance <= allowed { return best.candidate }
        // A prefix long enough to be unambiguous ("iodepth_batch_comp" for "iodepth_batch_complete_min").
        if key.count >= 4, let prefixed = candidates.first(where: { normalized($0).hasPrefix(key) }) { return prefixed }
        return nil
    }

    private static func normalized(_ s: String) -> String {
        String(s.lowercased().map { $0 == "-" ? "_" : $0 })
    }

    /// Damerau-Levenshtein (optimal string alignment): a swapped pair of letters is one edit, as typos usually are.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            previous2 = previous
            previous = current
        }
        return previous[y.count]
    }
}
