"""Writes the .npy fixtures of NpyTest with NumPy (run: python3 make_fixtures.py in this folder).

The tests only read the committed files; CI needs no Python. Made with numpy 2.4.
"""
import numpy as np

np.save("f32_2x3.npy", np.array([[1.5, -2.0, 0.1], [np.inf, -np.inf, 3.0e-8]], dtype="<f4"))
np.save("f64_5.npy", np.array([0.1, -0.0, 1e300, 5e-324, np.pi], dtype="<f8"))
np.save("f16_3.npy", np.array([0.5, -65504.0, 0.1], dtype="<f2"))
np.save("i32_2x2x2.npy", np.arange(-4, 4, dtype="<i4").reshape(2, 2, 2))
np.save("i64_3.npy", np.array([-(2**62), 0, 2**53 + 1], dtype="<i8"))
np.save("bool_4.npy", np.array([True, False, False, True]))
np.save("f64_scalar.npy", np.array(2.5, dtype="<f8"))
np.save("f32_empty_0x3.npy", np.zeros((0, 3), dtype="<f4"))
np.save("f32_nan.npy", np.array([np.nan, 1.0], dtype="<f4"))
# Rejected: big-endian data and Fortran order.
np.save("f32_bigendian.npy", np.array([1.0, 2.0], dtype=">f4"))
np.save("f32_fortran.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
# Version 2.0 (4-byte header length), written on request.
with open("f64_v2.npy", "wb") as f:
    np.lib.format.write_array(f, np.array([1.0, 2.0, 3.0]), version=(2, 0))
