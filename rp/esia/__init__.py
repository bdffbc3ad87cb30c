"""The diary's client of ESIA's own protocol: signed v2/ac request, v3/te exchange, ESIA tokens, /rs/prns."""
