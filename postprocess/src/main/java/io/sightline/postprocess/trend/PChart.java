package io.sightline.postprocess.trend;

/**
 * p-chart of the reject proportion in subgroups of {@code n} consecutive parts, with the Western
 * Electric rules on the upper side (a line getting worse):
 *
 * <pre>
 *   p_i = rejects in subgroup i / n;  centre p0 = the baseline's reject rate;  sigma = sqrt(p0 (1 - p0) / n)
 *   rule 1: one p_i above p0 + c sigma
 *   rule 2: two of three consecutive p_i above p0 + (2/3) c sigma
 *   rule 3: four of five consecutive p_i above p0 + (1/3) c sigma
 *   rule 4: eight consecutive p_i above p0
 *   raised when any rule fires (checked at the end of each subgroup);
 *   cleared after eight consecutive subgroups in which none fires and p_i is below p0 + (1/3) c sigma
 * </pre>
 *
 * The textbook chart has c = 3; the sensitivity is c.
 */
public final class PChart extends ControlChart {
    public static final int DEFAULT_SUBGROUP = 50;
    public static final double DEFAULT_C = 3.0;
    static final int CLEAR_SUBGROUPS = 8;

    private final int subgroup;
    private final int[] inGroup;
    private final int[] rejects;
    /** Bit history of the last subgroups, newest in bit 0: above 2/3 c sigma, above 1/3 c sigma, above the centre. */
    private final int[] above2;
    private final int[] above1;
    private final int[] aboveCentre;
    private final int[] calm;
    private final double[] lastP;

    public PChart(int lines, int baselineParts, int subgroup, double c) {
        super(lines, baselineParts, c);
        if (subgroup < 2) throw new IllegalArgumentException("p-chart subgroups need at least 2 parts, got " + subgroup);
        this.subgroup = subgroup;
        this.inGroup = new int[lines];
        this.rejects = new int[lines];
        this.above2 = new int[lines];
        this.above1 = new int[lines];
        this.aboveCentre = new int[lines];
        this.calm = new int[lines];
        this.lastP = new double[lines];
    }

    @Override
    public String name() {
        return "pchart";
    }

    @Override
    protected void startLine(int line) {
        inGroup[line] = 0;
        rejects[line] = 0;
        above2[line] = 0;
        above1[line] = 0;
        aboveCentre[line] = 0;
        calm[line] = 0;
        lastP[line] = rejectRate[line];
    }

    @Override
    protected int observe(int line, float x, boolean rejected) {
        if (rejected) rejects[line]++;
        if (++inGroup[line] < subgroup) return 0;
        double p = (double) rejects[line] / subgroup;
        inGroup[line] = 0;
        rejects[line] = 0;
        lastP[line] = p;
        double p0 = rejectRate[line];
        double sigma = sigma(line);
        above2[line] = (above2[line] << 1) | (p > p0 + sensitivity * 2 / 3 * sigma ? 1 : 0);
        above1[line] = (above1[line] << 1) | (p > p0 + sensitivity / 3 * sigma ? 1 : 0);
        aboveCentre[line] = (aboveCentre[line] << 1) | (p > p0 ? 1 : 0);
        int rule = 0;
        if (p > p0 + sensitivity * sigma) rule = 1;
        else if (Integer.bitCount(above2[line] & 0b111) >= 2) rule = 2;
        else if (Integer.bitCount(above1[line] & 0b11111) >= 4) rule = 3;
        else if ((aboveCentre[line] & 0xff) == 0xff) rule = 4;
        if (rule > 0) {
            calm[line] = 0;
            return rule;
        }
        calm[line] = (above1[line] & 1) == 0 ? calm[line] + 1 : 0;
        return calm[line] >= CLEAR_SUBGROUPS ? -1 : 0;
    }

    private double sigma(int line) {
        double p0 = rejectRate[line];
        return Math.sqrt(p0 * (1 - p0) / subgroup);
    }

    @Override
    protected String rule(int signal) {
        return switch (signal) {
            case 1 -> "Western Electric rule 1: one subgroup above c sigma";
            case 2 -> "Western Electric rule 2: two of three subgroups above 2/3 c sigma";
            case 3 -> "Western Electric rule 3: four of five subgroups above 1/3 c sigma";
            default -> "Western Electric rule 4: eight subgroups in a row above the centre line";
        };
    }

    /** The last complete subgroup's reject proportion. */
    @Override
    public double statistic(int line) {
        return ready(line) ? lastP[line] : Double.NaN;
    }

    /** The rule-1 limit, p0 + c sigma. */
    @Override
    public double limit(int line) {
        return ready(line) ? rejectRate[line] + sensitivity * sigma(line) : Double.NaN;
    }

    public int subgroup() {
        return subgroup;
    }
}
