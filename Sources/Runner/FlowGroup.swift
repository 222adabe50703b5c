import JobFile
import Synchronization

/// fio's flow.c: the workers of every job with the same `flow_id` share one count of issued I/Os and the
/// sum of their `flow` weights. A worker whose share of the count is above its share of the weight is held
/// back until the others catch up. All the run's jobs count from the start, as fio registers every job at
/// setup; a worker takes its count and weight out when it ends.
public final class FlowGroup: Sendable {
    /// I/Os issued by the flow's workers (fio starts it at 1).
    let issued = Atomic<Int>(1)
    let totalWeight = Atomic<Int>(0)

    init() {}

    /// One group per flow_id used by `jobs`, with the weights of all their workers.
    static func groups(for jobs: [JobSpec]) -> [UInt64: FlowGroup] {
        var groups: [UInt64: FlowGroup] = [:]
        for job in jobs where job.flow > 0 {
            let group = groups[job.flowID] ?? FlowGroup()
            groups[job.flowID] = group
            group.totalWeight.add(Int(job.flow) * job.numjobs, ordering: .relaxed)
        }
        return groups
    }

    /// Whether a worker that issued `own` I/Os with weight `weight` must wait (fio's flow_threshold_exceeded).
    @inline(__always)
    func holdsBack(own: Int, weight: Int) -> Bool {
        Double(own) / Double(issued.load(ordering: .relaxed))
            > Double(weight) / Double(totalWeight.load(ordering: .relaxed))
    }

    /// The worker ends: its I/Os and weight no longer count.
    func leave(own: Int, weight: Int) {
        issued.subtract(own, ordering: .relaxed)
        totalWeight.subtract(weight, ordering: .relaxed)
    }
}
