import Foundation

/// Messages to standard error, after what `print` has buffered for standard output: with both
/// going to one file (`> log.txt 2>&1`) a message written straight away landed inside a buffered
/// line, splitting a character in two.
enum StandardError {
    static func write(_ text: String) {
        fflush(nil)  // every output stream: standard output is the one print() buffers
        FileHandle.standardError.write(Data(text.utf8))
    }
}
