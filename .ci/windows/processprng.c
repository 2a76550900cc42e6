/* Test-only stand-in for ProcessPrng, which Wine 8.0's bcryptprimitives.dll lacks.
 *
 * Rust's standard library (1.78 and later) takes its random numbers from ProcessPrng in
 * bcryptprimitives.dll. Windows 10 and later have it; Wine 8.0 does not, so every Rust program
 * stops at start-up under Wine without this DLL. .ci/windows.sh builds it into the Wine prefix
 * used by the tests only: it is never part of the Windows zip.
 */
#include <windows.h>
#include <bcrypt.h>

/* Fills the buffer from the system's random number generator, as ProcessPrng does. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
