package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class JobRunTest {

    @Test
    void overlapIsFoundWhateverTheUriSpelling() {
        Path in = new Path("file:/data/in");
        assertTrue(JobRun.related(new Path(new Path("file:/data/in"), "train"), in), "child built from a parent (file:///)");
        assertTrue(JobRun.related(new Path("file:///data/in/"), in), "same folder, trailing slash");
        assertTrue(JobRun.related(new Path("file:/data"), in), "output holds the input");
        assertFalse(JobRun.related(new Path("file:/data/input2"), in), "a sibling with a common prefix");
        assertFalse(JobRun.related(new Path("hdfs://nn:8020/data/in"), in), "another file system");
        assertTrue(JobRun.related(new Path("hdfs://nn:8020/data/in/x"), new Path("hdfs://nn:8020/data/in")));
        assertFalse(JobRun.related(new Path("hdfs://other:8020/data/in/x"), new Path("hdfs://nn:8020/data/in")));
    }
}
