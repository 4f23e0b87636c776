package io.github.jipc.it.campaign;

import java.util.Random;

/** One facility's share of the campaign: a random step, and the cleanup at the end. */
interface Facility {
    String name();

    /** Makes one to a few calls picked by r. */
    void step(Random r, Calls c);

    /** Closes every handle and removes every object this facility made. */
    void cleanup(Calls c);
}
