/**
 * What an executable is built for, read from its header: how the plugin build checks the
 * platforms it cannot run (an ELF for arm64, a Mach-O, a Windows PE) were made from the right
 * Node binary.
 */
import { closeSync, openSync, readSync } from "node:fs";

export type ExecutableFormat = "elf" | "macho" | "pe";
export type ExecutableArch = "x64" | "arm64";

export interface ExecutableKind {
  format: ExecutableFormat;
  arch: ExecutableArch | `unknown machine ${number}`;
}

// Machine numbers from each format's specification (ELF e_machine, Mach-O cputype, PE Machine).
const ELF_MACHINES: Record<number, ExecutableArch> = { 0x3e: "x64", 0xb7: "arm64" };
const MACHO_CPU_TYPES: Record<number, ExecutableArch> = { 0x01000007: "x64", 0x0100000c: "arm64" };
const PE_MACHINES: Record<number, ExecutableArch> = { 0x8664: "x64", 0xaa64: "arm64" };

const archOf = (table: Record<number, ExecutableArch>, machine: number): ExecutableKind["arch"] =>
  table[machine] ?? `unknown machine ${machine}`;

/** The format and architecture of the executable at `file`; throws if it is none of the three formats. */
export function executableKind(file: string): ExecutableKind {
  const header = Buffer.alloc(4096);
  const fd = openSync(file, "r");
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) === 0x7f454c46)
    return { format: "elf", arch: archOf(ELF_MACHINES, header.readUInt16LE(18)) };
  if (header.readUInt32LE(0) === 0xfeedfacf)
    return { format: "macho", arch: archOf(MACHO_CPU_TYPES, header.readUInt32LE(4)) };
  if (header.toString("latin1", 0, 2) === "MZ") {
    const pe = header.readUInt32LE(0x3c);
    if (pe + 6 <= header.length && header.toString("latin1", pe, pe + 4) === "PE\0\0") {
      return { format: "pe", arch: archOf(PE_MACHINES, header.readUInt16LE(pe + 4)) };
    }
  }
  throw new Error(`${file}: not an ELF, Mach-O (64-bit) or PE executable`);
}
