/// How log lines are written: readable text, or one JSON object a line for containers.
public enum LogFormat: String, Sendable {
    case text
    case json
}
