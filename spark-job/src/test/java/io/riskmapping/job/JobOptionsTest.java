package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class JobOptionsTest {

    @Test
    void overlapIsFoundWhateverTheUriSpelling() {
        Path in = new Path("file:/data/in");
        assertTrue(JobOptions.related(new Path(new Path("file:/data/in"), "train"), in), "child built from a parent (file:///)");
        assertTrue(JobOptions.related(new Path("file:///data/in/"), in), "same folder, trailing slash");
        assertTrue(JobOptions.related(new Path("file:/data"), in), "output holds the input");
        assertFalse(JobOptions.related(new Path("file:/data/input2"), in), "a sibling with a common prefix");
        assertFalse(JobOptions.related(new Path("hdfs://nn:8020/data/in"), in), "another file system");
        assertTrue(JobOptions.related(new Path("hdfs://nn:8020/data/in/x"), new Path("hdfs://nn:8020/data/in")));
        assertFalse(JobOptions.related(new Path("hdfs://other:8020/data/in/x"), new Path("hdfs://nn:8020/data/in")));
    }

    @Test
    void withinIsOneWay() {
        Path out = new Path("file:/data/out");
        assertTrue(JobOptions.within(new Path("file:/data/out/model_artifacts"), out));
        assertTrue(JobOptions.within(new Path("file:///data/out/"), out));
        assertFalse(JobOptions.within(new Path("file:/data"), out), "a parent is not within");
        assertFalse(JobOptions.within(new Path("file:/data/out2"), out));
    }

    @Test
    void relocateMovesAPathWithItsFolder() {
        Path out = new Path("file:/data/out");
        Path staging = new Path("file:/data/.out.risk-table-mapping-staging-1");
        assertEquals(new Path("file:/data/.out.risk-table-mapping-staging-1/model_artifacts"),
                JobOptions.relocate(new Path("file:/data/out/model_artifacts"), out, staging));
        assertEquals(new Path("file:/data/.out.risk-table-mapping-staging-1/a/b"), JobOptions.relocate(new Path("file:/data/out/a/b/"), out, staging));
        assertEquals(staging, JobOptions.relocate(out, out, staging));
    }
}
