//! The standard normal distribution's CDF and quantile, accurate into the
//! far tails the copula reaches.

/// Standard normal CDF, Cody's algorithm (TOMS 715 ANORM, as in R's `pnorm`).
///
/// Cody's rational approximations of the erfc type are evaluated directly in
/// `z` (no `z/√2` rounding) with `exp(-z²/2)` split into an exact and a small
/// part, so the lower tail keeps a few 1e-15 relative precision down to the
/// underflow limit. statrs 0.19's `erfc` is not used: it spells Boost's
/// single-precision interval constants as 10-digit decimals, leaving ~1e-10
/// relative error for x >= 0.5 (fixed upstream in statrs-dev/statrs#412).
// Coefficients are kept digit-for-digit as published so they can be audited.
#[allow(clippy::excessive_precision)]
pub fn std_normal_cdf(z: f64) -> f64 {
    const A: [f64; 5] = [
        2.235_252_035_460_683_928_7,
        1.610_282_310_685_558_788_1e2,
        1.067_689_485_460_370_958_2e3,
        1.815_498_125_334_356_124_9e4,
        6.568_233_791_820_744_911_3e-2,
    ];
    const B: [f64; 4] = [
        4.720_258_190_468_824_187e1,
        9.760_985_517_377_766_932_2e2,
        1.026_093_220_861_897_820_5e4,
        4.550_778_933_502_672_995_6e4,
    ];
    const C: [f64; 9] = [
        3.989_415_120_881_346_676_4e-1,
        8.883_149_794_388_375_941_2,
        9.350_665_613_217_785_597_9e1,
        5.972_702_763_948_002_622_6e2,
        2.494_537_585_290_372_671_1e3,
        6.848_190_450_536_282_332_6e3,
        1.160_265_143_764_735_012_4e4,
        9.842_714_838_383_978_021_8e3,
        1.076_557_677_372_019_231_7e-8,
    ];
    const D: [f64; 8] = [
        2.226_668_804_432_811_569_1e1,
        2.353_879_017_826_249_986_1e2,
        1.519_377_599_407_554_805e3,
        6.485_558_298_266_760_755e3,
        1.861_557_164_088_509_809_1e4,
        3.490_095_272_114_597_726_6e4,
        3.891_200_328_609_327_141_1e4,
        1.968_542_967_685_999_072_7e4,
    ];
    const P: [f64; 6] = [
        2.158_985_340_579_569_9e-1,
        1.274_011_611_602_473_639e-1,
        2.223_527_787_064_980_7e-2,
        1.421_619_193_227_893_466e-3,
        2.911_287_495_116_879_2e-5,
        2.307_344_176_494_017_303e-2,
    ];
    const Q: [f64; 5] = [
        1.284_260_096_144_911_21,
        4.682_382_124_808_651_18e-1,
        6.598_813_786_892_855_15e-2,
        3.782_396_332_027_582_44e-3,
        7.297_515_550_839_662_05e-5,
    ];
    const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_677_939_946_059_934;
    const SQRT_32: f64 = 5.656_854_249_492_380_195_206_754_896_838;

    /// exp(-x²/2) · factor, with x² split so the exponent is exact for the
    /// leading 4 binary digits of x (x² alone would lose ~x² ulps).
    fn gauss_tail(x: f64, factor: f64) -> f64 {
        let xsq = (x * 16.0).trunc() / 16.0;
        let del = (x - xsq) * (x + xsq);
        (-xsq * xsq * 0.5).exp() * (-del * 0.5).exp() * factor
    }

    if z.is_nan() {
        return f64::NAN;
    }
    let y = z.abs();
    if y <= 0.674_489_75 {
        let (mut num, mut den) = (0.0, 0.0);
        if y > 0.5 * f64::EPSILON {
            let zsq = z * z;
            num = A[4] * zsq;
            den = zsq;
            for i in 0..3 {
                num = (num + A[i]) * zsq;
                den = (den + B[i]) * zsq;
            }
        }
        return 0.5 + z * (num + A[3]) / (den + B[3]);
    }
    let upper_tail = if y <= SQRT_32 {
        let mut num = C[8] * y;
        let mut den = y;
        for i in 0..7 {
            num = (num + C[i]) * y;
            den = (den + D[i]) * y;
        }
        gauss_tail(y, (num + C[7]) / (den + D[7]))
    } else if -37.5193 < z && z < 8.2924 {
        let zsq = 1.0 / (z * z);
        let mut num = P[5] * zsq;
        let mut den = zsq;
        for i in 0..4 {
            num = (num + P[i]) * zsq;
            den = (den + Q[i]) * zsq;
        }
        let r = zsq * (num + P[4]) / (den + Q[4]);
        gauss_tail(y, (FRAC_1_SQRT_2PI - r) / y)
    } else {
        0.0
    };
    if z > 0.0 {
        1.0 - upper_tail
    } else {
        upper_tail
    }
}

/// Standard normal quantile, Wichura's AS241 (PPND16).
///
/// AS241 is accurate to ~1e-15 relative across the whole range (checked
/// against mpmath down to p = 1e-307), including the far tails the copula reaches, at the cost of one rational function and
/// at most a `ln` and a `sqrt`. Returns ±∞ at 0 and 1.
// Coefficients are kept digit-for-digit as published so they can be audited.
#[allow(clippy::excessive_precision)]
pub fn std_normal_quantile(p: f64) -> f64 {
    const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        1.331_416_678_917_843_774_5e2,
        1.971_590_950_306_551_442_7e3,
        1.373_169_376_550_946_112_5e4,
        4.592_195_393_154_987_145_7e4,
        6.726_577_092_700_870_085_3e4,
        3.343_057_558_358_812_810_5e4,
        2.509_080_928_730_122_672_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091_125_2e1,
        6.871_870_074_920_579_083_0e2,
        5.394_196_021_424_751_107_7e3,
        2.121_379_430_158_659_586_7e4,
        3.930_789_580_009_271_061_0e4,
        2.872_908_573_572_194_267_4e4,
        5.226_495_278_852_854_561_0e3,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_90,
        5.769_497_221_460_691_405_50,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        2.417_807_251_774_506_117_70e-1,
        2.272_384_498_926_918_458_33e-2,
        7.745_450_142_783_414_076_40e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_40,
        6.897_673_349_851_000_045_50e-1,
        1.481_039_764_274_800_745_90e-1,
        1.519_866_656_361_645_719_66e-2,
        5.475_938_084_995_344_946_00e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_20,
        5.463_784_911_164_114_369_90,
        1.784_826_539_917_291_335_80,
        2.965_605_718_285_048_912_30e-1,
        2.653_218_952_657_612_309_30e-2,
        1.242_660_947_388_078_438_60e-3,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_879_376_90e-1,
        1.369_298_809_227_358_053_10e-1,
        1.487_536_129_085_061_485_25e-2,
        7.868_691_311_456_132_591_00e-4,
        1.846_318_317_510_054_681_80e-5,
        1.421_511_758_316_445_888_70e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    fn poly(c: &[f64; 8], x: f64) -> f64 {
        c.iter().rev().fold(0.0, |acc, &k| acc * x + k)
    }

    if p.is_nan() {
        return f64::NAN;
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    // Work with the smaller tail probability; 1 - p is exact for p >= 0.5.
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 { -x } else { x }
}
