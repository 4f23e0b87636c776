/** A modular application that uses jipc. */
module com.example.modular {
    requires io.github.jipc;
}
