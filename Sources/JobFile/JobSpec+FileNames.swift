// The names fio gives a job's files when `filename=` does not list them.

extension JobSpec {
    public static let defaultFilenameFormat = "$jobname.$jobnum.$filenum"

    /// File `file` of clone `clone`, from `filename_format`: `$jobname` is the job's name, `$jobnum` the clone's
    /// number within the job (0 for the first), `$filenum` the file's number within the clone, and `$clientuid`
    /// empty (it names fio's network clients, and diobench has none). fio matches the keywords in any case; any
    /// other text, `$` included, is kept as written. Several files may get the same name (`file$jobnum` with
    /// nrfiles=16): they are then one file on disk, as in fio.
    public func generatedFileName(clone: Int, file: Int) -> String {
        let keywords: [(String, String)] = [
            ("$jobname", name), ("$jobnum", String(clone)), ("$filenum", String(file)), ("$clientuid", ""),
        ]
        var result = ""
        var rest = Substring(filenameFormat)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[dollar...]
            if let (keyword, value) = keywords.first(where: { rest.lowercased().hasPrefix($0.0) }) {
                result += value
                rest = rest.dropFirst(keyword.count)
            } else {
                result += "$"
                rest = rest.dropFirst()
            }
        }
        return result + rest
    }
}
