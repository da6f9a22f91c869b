/**
 * Running a NumPy peer from bench/peers/ unchanged: the script prints its own wall-clock
 * figures, and this wrapper adds the CPU time of the run (time.process_time around it), which
 * is steadier on a busy machine. Use: execFileSync("python3", ["-c", PEER_WRAPPER, script, ...args]).
 */
export const PEER_WRAPPER = [
  "import runpy, sys, time",
  "sys.argv = sys.argv[1:]",
  "c = time.process_time()",
  "runpy.run_path(sys.argv[0], run_name='__main__')",
  "print(f'cpu_s={time.process_time() - c}')",
].join("\n");
