package io.berth.agent.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Finds a live process of a pod and its network namespace. Every process of a pod shares the pod's network namespace
 * (the sandbox's), so any one will do. Needs the host's /proc (hostPID).
 */
public final class PodProcesses {

    /** A process in the pod and the identity (inode) of its network namespace. */
    public record NetnsHandle(long pid, String netns) {
    }

    private final Path procRoot;

    public PodProcesses(Path procRoot) {
        this.procRoot = procRoot;
    }

    /** A process of the pod whose network namespace can be opened now; empty if the pod has none (any more). */
    public Optional<NetnsHandle> find(PodCgroup cgroup) {
        Deque<Path> dirs = new ArrayDeque<>();
        dirs.add(cgroup.cpu());
        while (!dirs.isEmpty()) {
            Path dir = dirs.poll();
            try {
                for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                    if (line.isBlank()) {
                        continue;
                    }
                    long pid = Long.parseLong(line.strip());
                    Optional<String> netns = netns(pid);
                    if (netns.isPresent()) {
                        return Optional.of(new NetnsHandle(pid, netns.get()));
                    }
                }
                try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
                    children.forEach(dirs::add);
                }
            } catch (IOException e) {
                // The directory went away between listing and reading: a container that just exited.
            }
        }
        return Optional.empty();
    }

    /** "net:[4026532123]" for a live process, empty if it has exited. */
    public Optional<String> netns(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(nsPath(pid)).toString());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Path nsPath(long pid) {
        return procRoot.resolve(Long.toString(pid)).resolve("ns/net");
    }
}
